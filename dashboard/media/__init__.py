"""Photos of innovations: an uploaded file checked and turned into a safe stored picture."""
