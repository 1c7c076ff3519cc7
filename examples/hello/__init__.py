"""A small in-memory items API written exactly as a FastAPI tutorial app would be."""
