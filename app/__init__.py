"""Kết Nối: technology supply–demand connection sessions."""

__version__ = "0.1.0"
