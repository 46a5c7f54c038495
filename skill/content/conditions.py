"""Health conditions a person may mention, and the stretches to leave out for them.

The skill is not medical advice and keeps no health information: a condition
is answered in the moment, its stretches are left out for that session only,
and nothing about it is stored or logged. The choices are conservative and
follow common physiotherapy advice (see shared/stretching-guidance.md):

* pregnancy: avoid lying flat on the back or on the stomach (after the first
  trimester lying on the back can press on a major vein; the stomach is out
  for obvious reasons); stay on hands and knees and kneeling;
* osteoporosis: avoid rounding the spine forwards and twisting it, and rolling
  on a ball or roller (the movements most linked with spinal fractures);
  gentle extension and hip stretches stay;
* recent back or hip surgery: follow the surgeon's or physiotherapist's plan;
  until they say otherwise, only the gentlest stretch, pelvic tilts.
"""

from __future__ import annotations

CONDITIONS: tuple[dict, ...] = (
    {
        "id": "pregnancy",
        "name": "pregnancy",
        "synonyms": ["pregnant", "expecting", "expecting a baby", "having a baby"],
        "advice": "Please check with your midwife or doctor before stretching while you're pregnant. "
                  "Today I'll leave out the stretches lying on your back or stomach.",
        "leave_out": ["pelvic_tilt", "knee_to_chest", "knee_rotation", "lower_back_rotation", "piriformis",
                      "hamstring_stretch", "ball_roll_hips", "foam_roller_extension", "back_extension"],
    },
    {
        "id": "osteoporosis",
        "name": "osteoporosis",
        "synonyms": ["brittle bones", "thin bones", "weak bones"],
        "advice": "With osteoporosis, please check with your doctor or physiotherapist which stretches suit you. "
                  "Today I'll leave out the ones that round or twist your spine, and the roller and ball.",
        "leave_out": ["knee_to_chest", "knee_rotation", "lower_back_rotation", "thread_the_needle", "cat_cow",
                      "childs_pose", "ball_roll_hips", "foam_roller_extension"],
    },
    {
        "id": "surgery",
        "name": "surgery",
        "synonyms": ["back surgery", "hip surgery", "spinal surgery", "an operation", "a back operation",
                     "an operation on my back", "a hip replacement", "hip replacement", "my hip replaced",
                     "a hip operation", "surgery on my back"],
        "advice": "After back or hip surgery, please follow your surgeon's or physiotherapist's plan, and check "
                  "with them before these stretches. Until they say so, I'll only coach pelvic tilts, "
                  "the gentlest one.",
        "leave_out": ["knee_to_chest", "knee_rotation", "lower_back_rotation", "piriformis", "hamstring_stretch",
                      "ball_roll_hips", "foam_roller_extension", "back_extension", "cat_cow", "thread_the_needle",
                      "hip_flexor_stretch", "childs_pose"],
    },
)
