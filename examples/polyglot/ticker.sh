#!/bin/sh
# sh: prints a tick a second; ovrseer stops it with SIGINT (stop.signal), which it traps to say goodbye.
trap 'echo "ticker: interrupted after $n ticks"; exit 0' INT
n=0
while :; do
  n=$((n + 1))
  echo "ticker: tick $n"
  sleep 1 &
  wait $!
done
