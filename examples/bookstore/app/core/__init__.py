"""Cross-cutting concerns: settings, security, logging, request ids, error envelopes."""
