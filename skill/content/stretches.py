"""The 13 lower-back stretches, written for the ear (content v2).

Facts come from the source article on lower back stretches
(shared/source/lower-back-stretches-article.txt); every cue is our own wording.
Doses follow shared/stretching-guidance.md and each entry names its source in
"dose":

* static stretches (ACSM 2021): 2 holds of 30 s (per side where there are
  sides), about 60 s in all, inside the 10-30 s range for most adults and the
  30-60 s range for older adults;
* mobility movements (NHS inform): 5 slow repetitions of 8 s, one breath each
  (5 each way for the knee rotations);
* the massage ball (the article): 45 s of slow rolling a side, inside its 30 to 60.

Cues are written for the first side ("first_side"), which is the side being
stretched (for the knee rotations, the side the knees lower to; for the hip
flexor stretch, the hip of the kneeling leg); switch steps name both sides. Breathing lines and
repetition cues are spoken on both sides, so they name no side. Every cue reads after the coach's own
lines: "You'll be lying on your back.", "You'll need a foam roller." and "Careful: <caution>".
Each repetition cue has two parts: what is said on the first two reps ("say") and the short breath
part said on the later ones ("short"), so the pace stays even in any language.
Spelling is US English; ``skill.localization`` adapts it per locale. Other languages overlay these
entries by id with ``skill/content/locales/<tag>.json`` (see :func:`skill.content.library_for`).
"""

from __future__ import annotations

_STATIC_DOSE = "ACSM 2021: hold 10-30 s (30-60 s if older), about 60 s in all; 2 holds of 30 s"
_REPS_DOSE = "NHS inform: about 5 reps of each exercise; 5 slow reps of 8 s, one breath each, about 40 s"

STRETCHES: tuple[dict, ...] = (
    {
        "id": "pelvic_tilt",
        "name": "pelvic tilts",
        "synonyms": ["pelvic tilt", "tilting your pelvis", "pelvis tilts", "pelvic rocks", "back flattening"],
        "equipment": [],
        "targets": ["lower back", "core"],
        "position": "back",
        "setup": [
            "Bend your knees and put your feet flat, about hip width apart.",
            "Rest your arms by your sides.",
        ],
        "movement": [
            "Gently arch your lower back, leaving a small gap under it.",
            "Then tighten your stomach and flatten your lower back to the floor.",
            "Keep the movement small and smooth.",
        ],
        "brief": [
            "Knees bent, feet flat, arms by your sides.",
            "Arch a little, then flatten your back to the floor.",
        ],
        "timing": {
            "kind": "reps", "count": 5, "seconds_per_rep": 8, "per_side": False,
            "cues": [
                {"say": "Breathe in, and arch a little.", "short": "Breathe in."},
                {"say": "Breathe out, and flatten your back.", "short": "Breathe out."},
            ],
        },
        "dose": _REPS_DOSE + ".",
        "breathing": "Breathe in as you arch, and out as you flatten.",
        "caution": "Keep it gentle. If arching pinches, only do the flattening part.",
        "caution_at": "movement",
        "easier": {
            "name": "smaller tilts",
            "cues": [
                "Make it a tiny rock of your hips.",
                "Go only as far as feels comfortable.",
            ],
        },
    },
    {
        "id": "knee_to_chest",
        "name": "knee to chest",
        "synonyms": ["knees to chest", "knee hugs", "knee hug", "pressing knee to chest", "knee to chest stretch"],
        "equipment": [],
        "targets": ["lower back", "glutes"],
        "position": "back",
        "setup": [
            "Bend your knees and put your feet flat on the floor.",
            "Rest your head down and let your shoulders relax.",
        ],
        "movement": [
            "Bring your right knee up towards your chest, then your left knee.",
            "Hold behind your thighs and gently hug your knees in.",
            "Let your lower back sink into the floor.",
        ],
        "brief": [
            "Bring one knee up, then the other.",
            "Hold behind your thighs and hug them in.",
        ],
        "timing": {"kind": "hold", "seconds": 30, "per_side": False, "repeats": 2},
        "dose": _STATIC_DOSE + ".",
        "breathing": "Breathe slowly, and let your back soften each time you breathe out.",
        "caution": "Hold behind your thighs, not over your shins, if your knees are sore.",
        "caution_at": "movement",
        "easier": {
            "name": "one knee at a time",
            "cues": [
                "Put your left foot back on the floor, knee bent.",
                "Hug just your right knee towards your chest, holding behind your thigh.",
            ],
            "timing": {"kind": "hold", "seconds": 30, "per_side": True, "repeats": 2},
            "switch": [
                "Lower your right foot to the floor.",
                "Now bring your left knee up towards your chest.",
                "Hold behind your left thigh.",
            ],
        },
    },
    {
        "id": "knee_rotation",
        "name": "knee rotations",
        "synonyms": ["windscreen wipers", "windshield wipers", "knee rotation", "rotating the knee", "knee rolls",
                     "knee drops"],
        "equipment": [],
        "targets": ["lower back", "hips"],
        "position": "back",
        "setup": [
            "Bend your knees and put your feet flat, with your knees together.",
            "Stretch your arms out to the sides, palms down.",
        ],
        "movement": [
            "Keeping your knees together, lower them slowly to the right.",
            "Go only as far as is comfortable, then bring them back to the middle.",
            "Keep both shoulders on the floor.",
        ],
        "brief": [
            "Knees together, arms out wide.",
            "Lower your knees slowly to the right, then back to the middle.",
        ],
        "timing": {
            "kind": "reps", "count": 5, "seconds_per_rep": 8, "per_side": True,
            "cues": [
                {"say": "Breathe out, and slowly lower your knees.", "short": "Breathe out."},
                {"say": "Breathe in, and bring them back to the middle.", "short": "Breathe in."},
            ],
        },
        "dose": "NHS inform: about 5 each way, pausing about 2 s at the side; 5 slow reps of 8 s each way.",
        "breathing": "Breathe out as your knees lower, and in as they come back.",
        "first_side": "right",
        "switch": [
            "Keep your knees together in the middle.",
            "This time, your knees lower to the left.",
        ],
        "caution": "Lower your knees slowly, never let them drop. Stop before a shoulder lifts.",
        "caution_at": "movement",
        "easier": {
            "name": "smaller knee rolls",
            "cues": [
                "Set your feet a little wider apart for support.",
                "Lower your knees only a short way, then come back.",
            ],
        },
    },
    {
        "id": "lower_back_rotation",
        "name": "lower back rotation",
        "synonyms": ["lower back twist", "rotating the lower back", "lying twist", "supine twist", "spinal twist"],
        "equipment": [],
        "targets": ["lower back", "hips", "glutes"],
        "position": "back",
        "setup": [
            "Straighten both legs along the floor.",
            "Bend your right knee and put your right foot flat beside your left knee.",
        ],
        "movement": [
            "Put your left hand on the outside of your right knee.",
            "Gently ease your right knee across your body, towards the floor on your left.",
            "Keep your right shoulder down, and turn your head to the right if it's comfortable.",
        ],
        "brief": [
            "Right foot beside your left knee.",
            "Ease your right knee across to the left, shoulders down.",
        ],
        "timing": {"kind": "hold", "seconds": 30, "per_side": True, "repeats": 2},
        "dose": _STATIC_DOSE + " per side.",
        "breathing": "Breathe slowly, and let the twist ease a little deeper as you breathe out.",
        "first_side": "right",
        "switch": [
            "Bring your right knee back to the middle.",
            "Straighten your right leg.",
            "Now bend your left knee and put your left foot beside your right knee.",
            "With your right hand, ease your left knee across to the right.",
        ],
        "caution": "Keep the twist gentle, never a sharp pull. Ease off if you feel one.",
        "caution_at": "movement",
        "easier": {
            "name": "a bent-knee twist",
            "cues": [
                "Bend both knees, with your feet flat and together.",
                "Lower both knees slowly to the right, only as far as is comfortable.",
                "A pillow under your knees makes it gentler.",
            ],
            "switch": [
                "Bring both knees back to the middle.",
                "Now lower them slowly to the left.",
            ],
        },
    },
    {
        "id": "piriformis",
        "name": "piriformis stretch",
        "synonyms": ["figure four", "figure 4", "figure four stretch", "piriformis", "glute stretch",
                     "piriformis stretching"],
        "equipment": [],
        "targets": ["hips", "glutes", "lower back"],
        "position": "back",
        "setup": [
            "Bend your knees and put your feet flat on the floor.",
            "Cross your right ankle over your left knee, like a figure four.",
            "Pull your right toes towards your shin.",
        ],
        "movement": [
            "Lift your left foot, and hold behind your left thigh.",
            "Gently draw your left thigh towards you, until your right buttock stretches.",
            "Keep your head and shoulders resting on the floor.",
        ],
        "brief": [
            "Right ankle over your left knee, toes pulled towards your shin.",
            "Hold behind your left thigh and draw it towards you.",
        ],
        "timing": {"kind": "hold", "seconds": 30, "per_side": True, "repeats": 2},
        "dose": _STATIC_DOSE + " per side.",
        "breathing": "Breathe slowly and deeply, and let your hips relax.",
        "first_side": "right",
        "switch": [
            "Let go, and put your left foot back on the floor.",
            "Uncross your right leg and put your right foot down.",
            "Now cross your left ankle over your right knee.",
            "Hold behind your right thigh and draw it towards you.",
        ],
        "caution": "Keeping your toes pulled towards your shin protects the crossed knee. Ease off if that knee hurts.",
        "caution_at": "setup",
        "easier": {
            "name": "a figure four with your foot down",
            "cues": [
                "Put your left foot back on the floor.",
                "Let your right knee ease open, away from you.",
                "For a little more, press your right knee gently away with your right hand.",
            ],
            "switch": [
                "Uncross your right leg and put your right foot down.",
                "Now cross your left ankle over your right knee.",
                "Let your left knee ease open, away from you.",
            ],
        },
    },
    {
        "id": "hamstring_stretch",
        "name": "hamstring stretch",
        "synonyms": ["hamstrings", "hamstring", "stretching the hamstrings", "band stretch", "hamstring band stretch",
                     "leg raise stretch"],
        "equipment": ["stretch_band"],
        "targets": ["hamstrings", "lower back"],
        "position": "back",
        "setup": [
            "Bend your left knee and put your left foot flat on the floor.",
            "Loop the band around your right foot, and hold one end in each hand.",
        ],
        "movement": [
            "Lift your right leg towards the ceiling, with the knee a little soft.",
            "Ease it towards you with the band, until the back of your thigh stretches.",
            "Keep your head and lower back resting on the floor.",
        ],
        "brief": [
            "Left foot flat, band around your right foot.",
            "Lift your right leg and ease it towards you with the band.",
        ],
        "timing": {"kind": "hold", "seconds": 30, "per_side": True, "repeats": 2},
        "dose": _STATIC_DOSE + " per side.",
        "breathing": "Breathe slowly, relax your shoulders, and let the band take the weight of your leg.",
        "first_side": "right",
        "switch": [
            "Lower your right leg, and put your right foot flat on the floor.",
            "Move the band to your left foot.",
            "Now lift your left leg towards the ceiling.",
        ],
        "caution": "You should feel a stretch, not pain behind the knee. If it hurts there, bend the knee more.",
        "caution_at": "movement",
        "easier": {
            "name": "a bent-knee hamstring stretch",
            "cues": [
                "Bend your right knee more, so the leg isn't as high.",
                "Ease it towards you only until you feel a mild stretch.",
            ],
        },
        "without_equipment": "knee_to_chest",
    },
    {
        "id": "ball_roll_hips",
        "name": "massage ball roll on the hips",
        "synonyms": ["ball roll", "massage ball", "hip ball roll", "ball roll on hips", "sharp ball roll",
                     "glute ball roll"],
        "equipment": ["massage_ball"],
        "targets": ["glutes", "hips"],
        "position": "back",
        "setup": [
            "Bend your knees and put your feet flat on the floor.",
            "Place the ball under the fleshy part of your right buttock.",
        ],
        "movement": [
            "Lean some of your weight onto the ball.",
            "Roll slowly in small circles, and keep moving the whole time.",
        ],
        "brief": [
            "Ball under your right buttock, knees bent.",
            "Keep rolling slowly in small circles.",
        ],
        "timing": {"kind": "roll", "seconds": 45, "per_side": True},
        "dose": "Article: roll 30 to 60 s at a time; 45 s of slow rolling per side.",
        "breathing": "Keep breathing slowly, and keep the ball moving in small circles.",
        "first_side": "right",
        "switch": [
            "Lift your hips off the ball.",
            "Move the ball under your left buttock.",
            "Lean onto it, and start your small circles again.",
        ],
        "caution": "Move the ball if you feel tingling. Stay off bone, and off your spine.",
        "caution_at": "movement",
        "easier": {
            "name": "less pressure",
            "cues": [
                "Press through your feet, so less of your weight rests on the ball.",
                "A softer ball, such as a tennis ball, is gentler.",
            ],
        },
        "without_equipment": "piriformis",
    },
    {
        "id": "foam_roller_extension",
        "name": "foam roller back extension",
        "synonyms": ["foam rolling", "foam roller", "foam roll", "roller extension", "foam roller stretch"],
        "equipment": ["foam_roller"],
        "targets": ["mid back", "upper back"],
        "position": "seated",
        "setup": [
            "Bend your knees, feet flat, and lay the roller across the floor behind you.",
            "Lean back onto it, so it sits level with your shoulder blades.",
            "Put your hands behind your head, and keep your bottom on the floor.",
        ],
        "movement": [
            "Keep your ribs down, and gently bend back over the roller.",
            "Let the bend come from your upper back, not your lower back.",
            "Then come back up to where you started.",
        ],
        "brief": [
            "Roller across your shoulder blades, hands behind your head.",
            "Ribs down, and bend back over it from your upper back.",
        ],
        "timing": {
            "kind": "reps", "count": 5, "seconds_per_rep": 8, "per_side": False,
            "cues": [
                {"say": "Breathe out, and ease back over the roller.", "short": "Breathe out."},
                {"say": "Breathe in, and come back up.", "short": "Breathe in."},
            ],
        },
        "dose": _REPS_DOSE + ".",
        "breathing": "Breathe out as you bend back, and in as you come up.",
        "caution": "Keep the roller on your mid back, never under your lower back or your neck.",
        "caution_at": "setup",
        "easier": {
            "name": "a smaller bend",
            "cues": [
                "Keep your elbows pointing forward.",
                "Lean back over the roller only a little way.",
            ],
        },
        "without_equipment": "thread_the_needle",
    },
    {
        "id": "back_extension",
        "name": "back extension",
        "synonyms": ["extensions", "extension", "press up", "press ups", "cobra", "sphinx", "prone extension"],
        "equipment": [],
        "targets": ["lower back", "abdomen"],
        "position": "stomach",
        "setup": [
            "Put your hands under your shoulders, elbows tucked in.",
            "Let your legs and hips relax into the floor.",
        ],
        "movement": [
            "Press gently through your hands to lift your chest.",
            "Keep your hips on the floor, and go only as high as is comfortable.",
            "Then lower slowly back down.",
        ],
        "brief": [
            "Hands under your shoulders, hips down.",
            "Press your chest up gently, then lower.",
        ],
        "timing": {
            "kind": "reps", "count": 5, "seconds_per_rep": 8, "per_side": False,
            "cues": [
                {"say": "Breathe out, and press up gently.", "short": "Breathe out."},
                {"say": "Breathe in, and lower slowly down.", "short": "Breathe in."},
            ],
        },
        "dose": "NHS inform: about 5 reps; 5 slow press-ups of 8 s. Sphinx: ACSM 2021, 2 holds of 30 s.",
        "breathing": "Breathe out as you press up, and in as you lower.",
        "caution": "If it pinches, come down onto your forearms.",
        "caution_at": "movement",
        "easier": {
            "name": "the sphinx, on your forearms",
            "cues": [
                "Rest on your forearms, with your elbows under your shoulders.",
                "Keep your hips down, and stay propped up there.",
            ],
            "timing": {"kind": "hold", "seconds": 30, "per_side": False, "repeats": 2},
        },
    },
    {
        "id": "cat_cow",
        "name": "cat cow",
        "synonyms": ["cat cow stretch", "cat and cow", "cat camel", "cat", "cow", "cat cows"],
        "equipment": [],
        "targets": ["mid back", "lower back", "spine"],
        "position": "hands_knees",
        "setup": [
            "Put your hands under your shoulders and your knees under your hips.",
            "Keep your back flat, like a table top.",
        ],
        "movement": [
            "For cow, let your stomach sink and lift your chest.",
            "For cat, round your back up and let your head hang.",
            "Move slowly from one to the other, keeping your weight centered over your hands and knees.",
        ],
        "brief": [
            "Hands under your shoulders, knees under your hips.",
            "Breathe in for cow, and out for cat.",
        ],
        "timing": {
            "kind": "reps", "count": 5, "seconds_per_rep": 8, "per_side": False,
            "cues": [
                {"say": "Breathe in, and sink into cow, chest forward.", "short": "Breathe in."},
                {"say": "Breathe out, and round up into cat.", "short": "Breathe out."},
            ],
        },
        "dose": _REPS_DOSE + ".",
        "breathing": "Breathe in for cow, and out for cat.",
        "caution": "Stay in a comfortable range, and don't force the curve either way.",
        "caution_at": "movement",
        "easier": {
            "name": "smaller curves",
            "cues": [
                "Move only the middle of your back, a little each way.",
                "A folded towel under your knees helps if they're sore.",
            ],
        },
    },
    {
        "id": "thread_the_needle",
        "name": "thread the needle",
        "synonyms": ["thread the needle stretch", "needle", "threading the needle", "kneeling twist"],
        "equipment": [],
        "targets": ["mid back", "shoulders"],
        "position": "hands_knees",
        "setup": [
            "Put your hands under your shoulders and your knees under your hips.",
            "Keep your hips over your knees the whole time.",
        ],
        "movement": [
            "Slide your right arm under your body towards the left, palm up.",
            "Lower your right shoulder and the side of your head towards the floor.",
            "Let your left hand hold you steady.",
        ],
        "brief": [
            "Slide your right arm under you to the left, palm up.",
            "Lower your right shoulder and head towards the floor.",
        ],
        "timing": {"kind": "hold", "seconds": 30, "per_side": True, "repeats": 2},
        "dose": _STATIC_DOSE + " per side.",
        "breathing": "Breathe slowly into the space between your shoulder blades.",
        "first_side": "right",
        "switch": [
            "Slide your right arm back out.",
            "Come up onto both hands.",
            "Now slide your left arm under your body, towards the right.",
        ],
        "caution": "Keep your neck relaxed, and don't lean your weight on your head.",
        "caution_at": "movement",
        "easier": {
            "name": "a shorter reach",
            "cues": [
                "Slide your right arm only partway under you.",
                "Keep your head off the floor, or rest it on a cushion.",
            ],
        },
    },
    {
        "id": "hip_flexor_stretch",
        "name": "hip flexor stretch",
        "synonyms": ["hip flexors", "hip flexor", "kneeling lunge", "lunge stretch", "stretching the hip flexors",
                     "front of hip stretch"],
        "equipment": [],
        "targets": ["hip flexors", "front of the hips", "lower back"],
        "position": "kneeling",
        "setup": [
            "Open your eyes for this one, as it takes balance.",
            "Kneel beside a chair or a wall, and hold it for balance.",
            "Step your left foot forward, with your left knee over your ankle.",
        ],
        "movement": [
            "Tighten your stomach, and tuck your bottom under a little.",
            "Ease your hips forward until the front of your right hip stretches.",
            "Keep your back upright; don't lean back.",
        ],
        "brief": [
            "Eyes open, hold a chair or wall, left foot forward.",
            "Tuck your bottom under and ease your hips forward.",
        ],
        "timing": {"kind": "hold", "seconds": 30, "per_side": True, "repeats": 2},
        "dose": _STATIC_DOSE + " per side.",
        "breathing": "Breathe slowly, and keep your stomach gently firm.",
        "first_side": "right",
        "switch": [
            "Ease your hips back.",
            "Bring your left knee down, so you're kneeling on both knees.",
            "Now step your right foot forward, with your left knee on the floor.",
        ],
        "caution": "Put a cushion under your right knee if it's sore, and keep your front knee behind your toes.",
        "caution_at": "setup",
        "easier": {
            "name": "a smaller lunge",
            "cues": [
                "Keep a firm hold on your chair or wall.",
                "Ease your hips forward only a little way.",
            ],
        },
    },
    {
        "id": "childs_pose",
        "name": "child's pose",
        "synonyms": ["childs pose", "child pose", "infant pose", "resting pose", "balasana"],
        "equipment": [],
        "targets": ["lower back", "mid back", "hips", "shoulders"],
        "position": "kneeling",
        "setup": [
            "Kneel with your big toes touching and your knees wide apart.",
            "Sit your bottom back towards your heels.",
        ],
        "movement": [
            "Walk your hands forward, and let your chest sink between your knees.",
            "Rest your forehead on the floor, or on your hands.",
            "To come out, walk your hands back and sit up, or roll sideways and push up.",
        ],
        "brief": [
            "Knees wide, toes together, sit back and walk your hands forward.",
            "To come out, walk your hands back and sit up slowly.",
        ],
        "timing": {"kind": "hold", "seconds": 30, "per_side": False, "repeats": 2},
        "dose": _STATIC_DOSE + ".",
        "breathing": "Breathe slowly into your back, and feel it widen as you breathe in.",
        "caution": "If your knees complain, put a folded towel behind them or under them.",
        "caution_at": "setup",
        "easier": {
            "name": "a supported child's pose",
            "cues": [
                "Put a cushion on your heels, or under your chest.",
                "You don't need to sit all the way back.",
                "To come out, walk your hands back and sit up slowly.",
            ],
        },
    },
)
