"""Developer tools: request envelopes, the conversation simulator. Not on the skill's runtime path."""
