"""Python 3, long-running: takes jobs from the Node.js API and works on them; stops cleanly on SIGTERM."""
import os
import signal
import sys
import time
import urllib.request

url = f"http://127.0.0.1:{os.environ['API_PORT']}/jobs/next"
running = True


def stop(signum, frame):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
handled = 0
while running:
    with urllib.request.urlopen(url, timeout=5) as response:
        job = response.read().decode()
    if job:
        handled += 1
        print(f"py-worker: processed {job.upper()}")
    else:
        time.sleep(0.2)
print(f"py-worker: stopping after {handled} jobs")
sys.exit(0)
