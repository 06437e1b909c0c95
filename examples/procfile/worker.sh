#!/bin/sh
# A background worker in plain sh: it prints a line a second until it is stopped.
trap 'echo "$PS: stopping"; exit 0' TERM INT
i=0
while :; do
  i=$((i + 1))
  echo "$PS: job $i done ($GREETING)"
  sleep 1 &
  wait $!
done
