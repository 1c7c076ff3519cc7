"""The request path: compiled route table, endpoint plans and the code that runs them."""
