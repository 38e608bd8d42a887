"""Adapters behind the domain's ports: the sentence-transformers encoder and FAISS indexes."""
