"""The AI planner: an offline rule-based planner and any OpenAI-compatible model behind one interface."""
