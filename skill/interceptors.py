"""Cross-cutting request/response steps: logging now, persistence later."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor

log = logging.getLogger("skill.requests")


class RequestLogger(AbstractRequestInterceptor):
    def process(self, handler_input):
        request = handler_input.request_envelope.request
        intent = getattr(getattr(request, "intent", None), "name", None)
        log.info("request", extra={"request_id": getattr(request, "request_id", None),
                                   "request_type": getattr(request, "object_type", None), "intent": intent})


class ResponseLogger(AbstractResponseInterceptor):
    def process(self, handler_input, response):
        end = getattr(response, "should_end_session", None) if response is not None else None
        log.info("response", extra={"request_id": getattr(handler_input.request_envelope.request, "request_id", None),
                                    "should_end_session": end})
