"""SIP pre-flight probe and a small user-agent (standard library + dnspython, no Textual)."""
