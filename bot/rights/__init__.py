"""Rights questions: the topic catalogue, the free-text matcher and the answers it gives."""
