"""The benchmarked applications: one scenario set, written once per framework."""
