"""Meeting scheduling. The pure engine lives in `domain`; nothing here touches a database."""
