"""AWS Lambda entry point for Back Stretch Coach."""

from skill.skill_builder import build_lambda_handler

lambda_handler = build_lambda_handler()
