"""Equipment the stretches use, with the names people give it."""

from __future__ import annotations

EQUIPMENT_ITEMS: tuple[dict, ...] = (
    {"id": "foam_roller", "name": "foam roller", "spoken": "a foam roller",
     "synonyms": ["roller", "foam roll", "back roller"]},
    {"id": "massage_ball", "name": "massage ball", "spoken": "a massage ball",
     "synonyms": ["ball", "tennis ball", "lacrosse ball", "spiky ball", "trigger point ball"]},
    {"id": "stretch_band", "name": "stretch band", "spoken": "a stretch band",
     "synonyms": ["band", "resistance band", "exercise band", "yoga strap", "strap", "stretching strap"]},
)
