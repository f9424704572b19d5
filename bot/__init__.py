"""labor-bot: a messaging bot that helps workers in Mexico know and use their labor rights."""
