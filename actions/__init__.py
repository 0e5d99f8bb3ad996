"""Actions and their leads, each action's monthly BRAGG status, and the story so far."""
