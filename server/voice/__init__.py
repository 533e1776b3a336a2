"""Youth voice: class pulses, unsafe places, protected area figures and "You said, we did"."""
