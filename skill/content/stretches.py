"""The 13 lower-back stretches, written for the ear.

Source: the article "13 Best Lower Back Pain Exercises and Stretches"
(shared/source/lower-back-stretches-article.txt). Every cue here is our own
wording. Where the article gives no timing ("hold for a little moment") we
chose conservative defaults: 20-second holds, 30 seconds a side for the
massage ball (the low end of the article's 30 to 60), and slow reps paced by
the breath. All timings live here, in the data, not in code.

Spelling is US English; ``skill.localization`` adapts it per locale.
"""

from __future__ import annotations

STRETCHES: tuple[dict, ...] = (
    {
        "id": "pelvic_tilt",
        "name": "pelvic tilts",
        "synonyms": ["pelvic tilt", "tilting your pelvis", "pelvis tilts", "pelvic rocks", "back flattening"],
        "position": "back",
        "equipment": [],
        "targets": ["lower back", "core"],
        "setup": [
            "Lie on your back with your knees bent and your feet flat on the floor, about hip width apart.",
            "Let your arms rest by your sides.",
        ],
        "movement": [
            "Gently arch your lower back, so there's a small gap between your back and the floor.",
            "Then tighten your stomach and press your lower back flat into the floor.",
            "Keep the movement small and smooth.",
        ],
        "timing": {
            "kind": "reps", "count": 8, "seconds_per_rep": 5,
            "cues": ["Breathe in, and arch a little.", "Breathe out, and press your back down."],
        },
        "breathing": "Breathe in as you arch, and out as you flatten.",
        "easier": {
            "name": "smaller tilts",
            "cues": [
                "Make the movement tiny, just a gentle rock of the hips.",
                "Only go as far as feels comfortable.",
            ],
        },
        "caution": "Keep it gentle. If arching pinches your back, only do the flattening part.",
    },
    {
        "id": "knee_to_chest",
        "name": "knee to chest",
        "synonyms": ["knees to chest", "knee hugs", "knee hug", "pressing knee to chest", "knee to chest stretch"],
        "position": "back",
        "equipment": [],
        "targets": ["lower back", "glutes"],
        "setup": [
            "Stay on your back with your knees bent and feet on the floor.",
        ],
        "movement": [
            "Slowly lift your knees towards your chest, one leg at a time.",
            "Hold on behind your thighs or over your shins, and gently hug them in.",
            "Let your lower back relax into the floor.",
        ],
        "timing": {"kind": "hold", "seconds": 20},
        "breathing": "Breathe slowly and let your back soften with each breath out.",
        "easier": {
            "name": "one knee at a time",
            "cues": [
                "Bring just one knee towards your chest and keep the other foot on the floor.",
                "Halfway through, swap legs.",
            ],
        },
        "caution": "Hold behind your thighs if your knees are sore.",
    },
    {
        "id": "knee_rotation",
        "name": "knee rotations",
        "synonyms": ["windscreen wipers", "windshield wipers", "knee rotation", "rotating the knee", "knee rolls", "knee drops"],
        "position": "back",
        "equipment": [],
        "targets": ["lower back", "hips"],
        "setup": [
            "On your back, keep your knees bent and your feet flat on the floor.",
            "Stretch your arms out to the sides for balance.",
        ],
        "movement": [
            "Keeping your knees together, let them fall slowly to one side, like a windshield wiper.",
            "Bring them back through the middle and over to the other side.",
            "Keep your shoulders on the floor and only go as far as is comfortable.",
        ],
        "timing": {
            "kind": "reps", "count": 8, "seconds_per_rep": 5,
            "cues": ["Breathe out, and let your knees fall to one side.", "Breathe in, and bring them back up and over."],
        },
        "breathing": "Breathe out as your knees lower, and in as you bring them back.",
        "easier": {
            "name": "smaller wipers",
            "cues": [
                "Let your knees drop only a little way each side.",
                "Keep your feet wider apart for more support.",
            ],
        },
        "caution": "Move slowly. Don't let your knees drop with a bump.",
    },
    {
        "id": "lower_back_rotation",
        "name": "lower back rotation",
        "synonyms": ["lower back twist", "rotating the lower back", "lying twist", "supine twist", "spinal twist"],
        "position": "back",
        "equipment": [],
        "targets": ["lower back", "hips", "glutes"],
        "setup": [
            "Lie on your back with both legs straight.",
            "Bend your right knee and tuck your right foot under your left knee.",
        ],
        "movement": [
            "Put your left hand on the outside of your right knee.",
            "Gently draw that knee across your body towards the floor.",
            "Keep both shoulders down and turn your head the other way if that feels good.",
        ],
        "timing": {"kind": "hold", "seconds": 20, "per_side": True},
        "breathing": "Breathe slowly, and let the twist grow a little with each breath out.",
        "switch_cue": "Bring your knee back to the middle. Now bend your left knee, tuck your left foot under your right knee, and draw it across with your right hand.",
        "easier": {
            "name": "a supported twist",
            "cues": [
                "Keep both knees bent and let them fall to one side together.",
                "Rest them on a pillow or a folded towel so you don't go too far.",
            ],
        },
        "caution": "A twist should feel like a gentle stretch, never a sharp pull. Ease off if it does.",
    },
    {
        "id": "piriformis",
        "name": "piriformis stretch",
        "synonyms": ["figure four", "figure 4", "figure four stretch", "piriformis", "glute stretch", "piriformis stretching"],
        "position": "back",
        "equipment": [],
        "targets": ["hips", "glutes", "lower back"],
        "setup": [
            "Lie on your back with your knees bent and feet on the floor.",
            "Cross your right ankle over your left knee, making a figure four with your legs.",
        ],
        "movement": [
            "Reach through and hold behind your left thigh.",
            "Gently draw your left thigh towards you until you feel a stretch in your right buttock.",
            "Keep your head and shoulders relaxed on the floor.",
        ],
        "timing": {"kind": "hold", "seconds": 20, "per_side": True},
        "breathing": "Breathe slowly and deeply, into the stretch.",
        "switch_cue": "Gently lower your legs. Now cross your left ankle over your right knee and draw your right thigh towards you.",
        "easier": {
            "name": "feet on the floor",
            "cues": [
                "Leave your bottom foot on the floor and just let the crossed knee open out.",
                "You can press that knee gently away with your hand.",
            ],
        },
        "caution": "Go easy if you have knee trouble: keep the crossed foot flexed to protect the knee.",
    },
    {
        "id": "hamstring_stretch",
        "name": "hamstring stretch",
        "synonyms": ["hamstrings", "hamstring", "stretching the hamstrings", "band stretch", "hamstring band stretch", "leg raise stretch"],
        "position": "back",
        "equipment": ["stretch_band"],
        "targets": ["hamstrings", "lower back"],
        "setup": [
            "Lie on your back with your left knee bent and that foot flat on the floor.",
            "Loop your stretch band around the sole of your right foot and hold one end in each hand.",
        ],
        "movement": [
            "Lift your right leg up towards the ceiling, keeping the knee soft.",
            "Use the band to ease the leg towards you until you feel a stretch along the back of your thigh.",
            "Keep your lower back resting on the floor.",
        ],
        "timing": {"kind": "hold", "seconds": 20, "per_side": True},
        "breathing": "Breathe slowly. Relax your shoulders and let the band take the weight.",
        "switch_cue": "Lower your right leg and bend that knee. Move the band to your left foot and lift your left leg.",
        "easier": {
            "name": "a bent-knee version",
            "cues": [
                "Bend your raised knee more, so your leg is not so high.",
                "A towel or a belt works in place of the band.",
            ],
        },
        "caution": "You should feel a stretch, not pain behind the knee. Bend the knee more if you do.",
        "without_equipment": "knee_to_chest",
    },
    {
        "id": "ball_roll_hips",
        "name": "massage ball roll on the hips",
        "synonyms": ["ball roll", "massage ball", "hip ball roll", "ball roll on hips", "sharp ball roll", "glute ball roll"],
        "position": "back",
        "equipment": ["massage_ball"],
        "targets": ["glutes", "hips"],
        "setup": [
            "Lie on your back with your knees bent and feet flat.",
            "Place the massage ball under the fleshy part of your right buttock.",
        ],
        "movement": [
            "Shift your weight onto the ball and roll slowly in small circles.",
            "When you find a tender spot, pause there and let it soften.",
            "Stay off the bony parts of your hip and off your spine.",
        ],
        "timing": {"kind": "hold", "seconds": 30, "per_side": True},
        "breathing": "Keep breathing slowly; don't hold your breath on the tender spots.",
        "switch_cue": "Take the ball out and move it under your left buttock.",
        "easier": {
            "name": "less pressure",
            "cues": [
                "Take some weight onto your hands or the other hip, so less of it goes through the ball.",
                "A softer ball, like a tennis ball, is gentler.",
            ],
        },
        "caution": "Tender is fine; sharp or burning is not. Move the ball if you feel tingling.",
        "without_equipment": "piriformis",
    },
    {
        "id": "foam_roller_extension",
        "name": "foam roller back extension",
        "synonyms": ["foam rolling", "foam roller", "foam roll", "roller extension", "foam roller stretch"],
        "position": "back",
        "equipment": ["foam_roller"],
        "targets": ["mid back", "upper back"],
        "setup": [
            "Sit on the floor and place the foam roller across your back, just below your shoulder blades.",
            "Lie back onto it, keep your bottom on the floor, and support your head with your hands.",
        ],
        "movement": [
            "Gently let your upper back bend back over the roller.",
            "Then lift back up to the start. Keep your lower back out of it.",
        ],
        "timing": {
            "kind": "reps", "count": 6, "seconds_per_rep": 6,
            "cues": ["Breathe out, and ease back over the roller.", "Breathe in, and come back up."],
        },
        "breathing": "Breathe out as you lean back, and in as you come up.",
        "easier": {
            "name": "a smaller arch",
            "cues": [
                "Keep your elbows pointing forwards and only lean back a little.",
                "A rolled-up towel instead of the roller is gentler.",
            ],
        },
        "caution": "Keep the roller on your mid back, never under your lower back or neck.",
        "without_equipment": "thread_the_needle",
    },
    {
        "id": "back_extension",
        "name": "back extension",
        "synonyms": ["extensions", "extension", "press up", "press ups", "cobra", "sphinx", "prone extension"],
        "position": "stomach",
        "equipment": [],
        "targets": ["lower back", "abdomen"],
        "setup": [
            "Lie on your stomach with your hands under your shoulders and your elbows tucked in.",
            "Let your legs and hips relax into the floor.",
        ],
        "movement": [
            "Gently press up through your hands, lifting your chest and lengthening your lower back.",
            "Keep your hips on the floor and only go as high as is comfortable.",
            "Then lower slowly back down.",
        ],
        "timing": {
            "kind": "reps", "count": 6, "seconds_per_rep": 6,
            "cues": ["Breathe out, and press up gently.", "Breathe in, and lower down."],
        },
        "breathing": "Breathe out as you press up, and in as you lower.",
        "easier": {
            "name": "the sphinx, on your forearms",
            "cues": [
                "Instead of straightening your arms, rest on your forearms with your elbows under your shoulders.",
                "Just stay propped up there, breathing easily.",
            ],
        },
        "caution": "If it feels too intense, or pinches in your lower back, come down onto your forearms.",
    },
    {
        "id": "cat_cow",
        "name": "cat cow",
        "synonyms": ["cat cow stretch", "cat and cow", "cat camel", "cat", "cow", "cat cows"],
        "position": "hands_knees",
        "equipment": [],
        "targets": ["mid back", "lower back", "spine"],
        "setup": [
            "Come onto your hands and knees.",
            "Hands under your shoulders, knees under your hips, with your back flat like a table top.",
        ],
        "movement": [
            "For cow, let your stomach sink gently and lift your chest, so your back curves down.",
            "For cat, round your back up towards the ceiling and let your head drop.",
            "Move slowly between the two, keeping your weight centered over your hands and knees.",
        ],
        "timing": {
            "kind": "reps", "count": 6, "seconds_per_rep": 6,
            "cues": ["Breathe in, into cow, chest forward.", "Breathe out, into cat, round your back."],
        },
        "breathing": "Breathe in for cow, and out for cat.",
        "easier": {
            "name": "smaller curves",
            "cues": [
                "Make the movement smaller, just in the middle of your back.",
                "Put a folded towel under your knees if they are sore.",
            ],
        },
        "caution": "Move within a comfortable range; don't force the curve either way.",
    },
    {
        "id": "thread_the_needle",
        "name": "thread the needle",
        "synonyms": ["thread the needle stretch", "needle", "threading the needle", "kneeling twist"],
        "position": "hands_knees",
        "equipment": [],
        "targets": ["mid back", "shoulders"],
        "setup": [
            "Stay on your hands and knees.",
        ],
        "movement": [
            "Slide your right arm under your body, palm up, towards the left.",
            "Let your right shoulder and the side of your head come down towards the floor.",
            "Keep your hips over your knees.",
        ],
        "timing": {"kind": "hold", "seconds": 20, "per_side": True},
        "breathing": "Breathe into the space between your shoulder blades.",
        "switch_cue": "Slowly come back up onto your hands. Now slide your left arm under your body, towards the right.",
        "easier": {
            "name": "a shorter reach",
            "cues": [
                "Only slide your arm part of the way, and keep your head off the floor.",
                "Rest your head on a cushion if you like.",
            ],
        },
        "caution": "Keep your neck relaxed, and don't put weight through your head.",
    },
    {
        "id": "hip_flexor_stretch",
        "name": "hip flexor stretch",
        "synonyms": ["hip flexors", "hip flexor", "kneeling lunge", "lunge stretch", "stretching the hip flexors", "front of hip stretch"],
        "position": "kneeling",
        "equipment": [],
        "targets": ["hip flexors", "front of the hips", "lower back"],
        "setup": [
            "Come up to kneeling. Step your right foot forward, so your right knee is bent and over your ankle.",
            "Your left knee stays on the floor. Put a cushion under it if you need to.",
        ],
        "movement": [
            "Tuck your tailbone under a little and stand tall.",
            "Shift your hips gently forward until you feel a stretch at the front of your left hip.",
            "Keep your back upright; don't lean back.",
        ],
        "timing": {"kind": "hold", "seconds": 20, "per_side": True},
        "breathing": "Breathe slowly and keep your stomach gently firm.",
        "switch_cue": "Ease back. Now step your left foot forward, with your right knee on the floor.",
        "easier": {
            "name": "a supported lunge",
            "cues": [
                "Hold on to a chair or a wall for balance.",
                "Only shift your hips forward a little way.",
            ],
        },
        "caution": "Keep your front knee behind your toes. Pad the kneeling knee if it is sore.",
    },
    {
        "id": "childs_pose",
        "name": "child's pose",
        "synonyms": ["childs pose", "child pose", "infant pose", "resting pose", "balasana"],
        "position": "kneeling",
        "equipment": [],
        "targets": ["lower back", "mid back", "hips", "shoulders"],
        "setup": [
            "Kneel with your big toes together and your knees wide apart.",
        ],
        "movement": [
            "Sit your bottom back towards your heels.",
            "Walk your hands forward along the floor and let your chest sink down between your knees.",
            "Rest your forehead on the floor, or on your hands.",
        ],
        "timing": {"kind": "hold", "seconds": 30},
        "breathing": "Breathe slowly into your back, feeling it widen as you breathe in.",
        "easier": {
            "name": "a supported child's pose",
            "cues": [
                "Put a cushion between your heels and your bottom, or under your chest.",
                "You don't need to sit all the way back.",
            ],
        },
        "caution": "If your knees complain, put a folded towel behind them or under them.",
    },
)
