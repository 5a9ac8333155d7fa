# At every call of main.checkpoint: the map's summary appended to
# counts.jsonl (one JSON document per line) and its picture in
# counts-1.svg, counts-2.svg... (%n counts the hits); then on to the end.
# Run with the plugin loaded:
#   gdb -batch -ex 'source /usr/local/lib/golayout/golayout-gdb.py' -x dump.gdb ./dumps
set pagination off
set confirm off
handle SIGURG nostop noprint pass
# No asynchronous preemption: a preemption signal that lands on the
# breakpoint can make the thread run into it once more, and the commands
# would record that stop twice.
set environment GODEBUG=asyncpreemptoff=1
break main.checkpoint
commands
  silent
  golayout map main.counts --summary --json --out counts.jsonl
  golayout map main.counts --svg counts-%n.svg
  continue
end
run
