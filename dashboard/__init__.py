"""Decision-support dashboard of the Cnam jury « Au cœur des territoires »."""

__version__ = "0.1.0"
