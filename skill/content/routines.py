"""Routines: ordered lists of stretch ids.

Orders flow between positions so the person moves as little as possible:
lying on the back, then the stomach, then hands and knees, then kneeling.
"""

from __future__ import annotations

ROUTINES: tuple[dict, ...] = (
    {
        "id": "quick",
        "name": "quick",
        "synonyms": ["short", "fast", "morning"],  # not "five minute": it lasts about seven (issue 25)
        "description": "four stretches for the whole lower back",
        "stretches": ["knee_to_chest", "knee_rotation", "cat_cow", "childs_pose"],
        # One hold a side, to stay near five minutes (ACSM's 10-30 s a hold; the full routine does the 60 s total).
        "holds": 1,
    },
    {
        "id": "full",
        "name": "full",
        "synonyms": ["complete", "whole", "long", "everything", "all", "all of them", "whole thing"],
        "description": "all thirteen stretches, from lying down to kneeling",
        "stretches": [
            "pelvic_tilt", "knee_to_chest", "knee_rotation", "lower_back_rotation", "piriformis",
            "hamstring_stretch", "ball_roll_hips", "foam_roller_extension",
            "back_extension",
            "cat_cow", "thread_the_needle",
            "hip_flexor_stretch", "childs_pose",
        ],
    },
    {
        "id": "hips",
        "name": "hips",
        "synonyms": ["hip", "glutes", "hip and glute", "hip mobility"],
        "description": "loosens the hips and buttocks",
        "stretches": ["knee_rotation", "piriformis", "ball_roll_hips", "hip_flexor_stretch", "childs_pose"],
    },
    {
        "id": "mid_back",
        "name": "mid back",
        "synonyms": ["middle back", "upper back", "midback", "thoracic"],
        "description": "opens up the middle of the back",
        "stretches": ["foam_roller_extension", "cat_cow", "thread_the_needle", "childs_pose"],
    },
    {
        "id": "gentle",
        "name": "gentle",
        "synonyms": ["easy", "bad day", "bad back day", "relaxing", "soft", "beginner"],
        "description": "slow and easy, for a bad day, with no equipment",
        "stretches": ["pelvic_tilt", "knee_to_chest", "knee_rotation", "cat_cow", "childs_pose"],
        # Truly gentle: every stretch in its easier version, and repetitions a quarter slower.
        "variant": "easier",
        "tempo": 1.25,
    },
)

DEFAULT_ROUTINE = "quick"
