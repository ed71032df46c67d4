"""Tests of the AI planner: inputs, the exercise pool, the checker, progression and the offline planner."""
