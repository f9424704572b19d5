"""The conversation core: flow files, their checker, the pure engine, inputs, sessions and turns."""
