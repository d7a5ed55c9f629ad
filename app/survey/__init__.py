"""The demand survey: who wants to meet whom ("Bắt buộc gặp" / "Muốn gặp"), the organisers'
matching board and the meetings proposed from it."""
