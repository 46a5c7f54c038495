"""The privacy policy and terms of use as web pages: ``docs/privacy.md`` and ``docs/terms.md`` with the operator's
name and contact filled in.

Where they are served:

* on AWS, by a small function of their own with a Lambda function URL (HTTPS, no API Gateway, no bucket):
  template.yaml's ``PolicyPagesFunction``, handler :func:`lambda_handler`. ``make bundle`` renders the
  Markdown into ``skill/policy_pages/<page>.html`` inside dist/lambda.zip (:func:`write_rendered`), so the
  function imports no Markdown library; the operator's details come from the stack's parameters, as
  environment variables, so the pages published are the docs as they were at deploy time;
* by ``back-stretch-coach serve`` (and ``make run``) at ``/privacy`` and ``/terms``, rendered from docs/ with
  markdown-it-py (the ``web`` extra) and the same environment variables.

The docs hold placeholders, ``{{operator_name}}``, ``{{operator_contact}}`` and ``{{operator_address}}``. A page
is never served with a placeholder left or a detail that looks like one: :func:`page` raises
:class:`NotConfigured` instead, and the callers answer 503.
"""

from __future__ import annotations

import html
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

log = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parent.parent / "docs"
RENDERED = Path(__file__).resolve().parent / "policy_pages"
#: Page name (its path on the web) -> (the Markdown file in docs/, the page title).
PAGES = {"privacy": ("privacy.md", "Back Stretch Coach: privacy policy"),
         "terms": ("terms.md", "Back Stretch Coach: terms of use")}
#: Placeholder in the docs -> the environment variable (set from the stack parameter of the same meaning).
FIELDS = {"operator_name": "OPERATOR_NAME", "operator_contact": "OPERATOR_CONTACT",
          "operator_address": "OPERATOR_ADDRESS"}
REQUIRED = ("operator_name", "operator_contact")
PLACEHOLDER = re.compile(r"\{\{\s*[a-z_]+\s*\}\}")
#: A value an operator left as a placeholder: bracketed or braced text, or the words the docs used to hold.
#: (The words in capitals, as the old placeholders were written; example domains in any case.)
LOOKS_LIKE_A_PLACEHOLDER = re.compile(r"[\[\]{}<>]|\bOPERATOR\b|\bCONTACT EMAIL\b|\bREPLACE|\bTODO\b|"
                                      r"(?i:\bexample\.(com|org|net)\b)")
MAX_FIELD_CHARS = 200
CACHE_SECONDS = 3600
#: A page from here runs no script and loads nothing: its own inline style only.
SECURITY_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
STYLE = ("body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5;"
         "color:#1b1b1b}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}")


class NotConfigured(ValueError):
    """A page can't be served: an operator detail is missing or looks like a placeholder (the message says which)."""


@dataclass(frozen=True)
class Operator:
    """Who runs this copy of the skill, as the pages name them."""

    operator_name: str
    operator_contact: str
    operator_address: str = ""


def operator_problems(operator: Operator) -> list[str]:
    """What keeps these details from being published (empty: nothing)."""
    problems = []
    for field in FIELDS:
        value = getattr(operator, field)
        if field in REQUIRED and not value.strip():
            problems.append(f"{FIELDS[field]} is not set")
        elif value and (LOOKS_LIKE_A_PLACEHOLDER.search(value) or len(value) > MAX_FIELD_CHARS
                        or any(ord(c) < 32 for c in value)):
            problems.append(f"{FIELDS[field]} looks like a placeholder, not a real value: {value[:60]!r}")
    return problems


def operator_from_env(environ: Mapping[str, str] = os.environ) -> Operator:
    return Operator(**{field: (environ.get(variable) or "").strip() for field, variable in FIELDS.items()})


def markdown_to_html(text: str) -> str:
    """One Markdown document as HTML (CommonMark, with markdown-it-py; raw HTML in the Markdown is escaped).

    Links between the docs (``privacy.md``, ``terms.md``) become links between the pages."""
    from markdown_it import MarkdownIt  # the web extra and `make bundle`; the Lambda function gets it rendered

    body = MarkdownIt("commonmark", {"html": False}).render(text)
    for name, (source, _) in PAGES.items():
        body = body.replace(f'href="{source}"', f'href="{name}"')
    return body


def template(name: str) -> str:
    """A page's HTML body with its placeholders: rendered by ``make bundle`` if it shipped, else from docs/."""
    source, _ = PAGES[name]
    shipped = RENDERED / f"{name}.html"
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    return markdown_to_html((DOCS / source).read_text(encoding="utf-8"))


def write_rendered(target: Path) -> list[Path]:
    """Render every page's body into ``target`` (a ``skill/policy_pages`` folder being packaged)."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (source, _) in PAGES.items():
        path = target / f"{name}.html"
        path.write_text(markdown_to_html((DOCS / source).read_text(encoding="utf-8")), encoding="utf-8")
        written.append(path)
    return written


def fill(body: str, operator: Operator) -> str:
    """``body`` with the operator's details in place of the placeholders (HTML-escaped); NotConfigured if any
    detail is missing or a placeholder, or a placeholder is left that no detail fills."""
    problems = operator_problems(operator)
    if problems:
        raise NotConfigured("; ".join(problems))
    filled = PLACEHOLDER.sub(lambda m: _value(m.group(0), operator), body).replace("<p></p>\n", "")
    left = PLACEHOLDER.findall(filled)
    if left:
        raise NotConfigured(f"the page has placeholders no setting fills: {sorted(set(left))}")
    return filled


def _value(placeholder: str, operator: Operator) -> str:
    field = placeholder.strip("{} ")
    return html.escape(getattr(operator, field)) if field in FIELDS else placeholder


def page(name: str, operator: Operator) -> str:
    """The whole HTML page ``name`` ("privacy" or "terms"). KeyError for another name; NotConfigured as :func:`fill`."""
    _, title = PAGES[name]
    body = fill(_template(name), operator)
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")


@lru_cache(maxsize=len(PAGES))
def _template(name: str) -> str:
    return template(name)


def response_for(path: str, method: str, environ: Mapping[str, str] = os.environ) -> tuple[int, dict, str]:
    """(status, headers, body) for a request for ``path``: a page, 404, 405 or 503 (not configured)."""
    name = path.strip("/")
    if name not in PAGES:
        return 404, {"Content-Type": "text/plain; charset=utf-8"}, "not found\n"
    if method not in ("GET", "HEAD"):
        return 405, {"Content-Type": "text/plain; charset=utf-8", "Allow": "GET, HEAD"}, "method not allowed\n"
    try:
        text = page(name, operator_from_env(environ))
    except NotConfigured as exc:
        log.error("policy page not served", extra={"page": name, "problem": str(exc)[:300]})
        return 503, {"Content-Type": "text/plain; charset=utf-8"}, "this page is not configured yet\n"
    headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": f"public, max-age={CACHE_SECONDS}",
               **SECURITY_HEADERS}
    return 200, headers, "" if method == "HEAD" else text


def lambda_handler(event: Mapping[str, Any], context: Any = None) -> dict:
    """The policy pages' function, behind its function URL (payload format 2.0: ``rawPath``, and the method in
    ``requestContext.http``)."""
    event = event if isinstance(event, Mapping) else {}
    http = (event.get("requestContext") or {}).get("http") or {}
    path = event.get("rawPath") if isinstance(event.get("rawPath"), str) else "/"
    method = http.get("method") if isinstance(http.get("method"), str) else "GET"
    status, headers, body = response_for(path, method.upper())
    return {"statusCode": status, "headers": headers, "body": body, "isBase64Encoded": False}

