"""Fault injection: a scriptable HTTP/1.1 server that breaks the Gradio protocol on purpose."""
