"""Python 3, run once: queues a few jobs through the Node.js API, then exits 0."""
import os
import sys
import urllib.request

url = f"http://127.0.0.1:{os.environ['API_PORT']}/jobs"
for word in ["alpha", "beta", "gamma"]:
    request = urllib.request.Request(url, data=word.encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        print(f"seed (python {sys.version.split()[0]}): {word} -> {response.read().decode().strip()}")
