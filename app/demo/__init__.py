"""Realistic demonstration data for trying the program, tests and benchmarks."""

from app.demo.generate import DemoResult, generate

__all__ = ["DemoResult", "generate"]
