"""What the tests and the scripts share: the scripted session harness, synthesized speech, the evaluation
corpus, loopback audio, durability drills, disks that refuse writes, and the soak loop."""
