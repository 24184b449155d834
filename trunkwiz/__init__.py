"""trunkwiz: set up and edit SIP trunks on a PortSIP PBX (v22) from the terminal."""

__version__ = "0.1.0"
