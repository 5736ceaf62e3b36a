"""Run moto's S3 server on loopback in its own process (``python -m tests.support.moto_server PORT``).

A separate process matters: delta-rs calls hold the GIL, so an in-process moto thread could not answer them.
"""

import sys
import time

from moto.server import ThreadedMotoServer


def main() -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
    server.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
