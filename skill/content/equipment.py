"""Equipment the stretches use, with the names people give it, and what to use from home instead."""

from __future__ import annotations

EQUIPMENT_ITEMS: tuple[dict, ...] = (
    {"id": "foam_roller", "name": "foam roller", "spoken": "a foam roller", "alternative": "a firm rolled-up towel",
     "synonyms": ["roller", "foam roll", "back roller"]},
    {"id": "massage_ball", "name": "massage ball", "spoken": "a massage ball", "alternative": "a tennis ball",
     "synonyms": ["ball", "tennis ball", "lacrosse ball", "spiky ball", "trigger point ball"]},
    {"id": "stretch_band", "name": "stretch band", "spoken": "a stretch band", "alternative": "a towel or a belt",
     "synonyms": ["band", "resistance band", "exercise band", "yoga strap", "strap", "stretching strap"]},
)
