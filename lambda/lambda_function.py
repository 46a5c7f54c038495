"""AWS Lambda entry point for Back Stretch Coach."""

from skill.skill_builder import build_skill_builder

lambda_handler = build_skill_builder().lambda_handler()
