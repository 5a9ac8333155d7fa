module golayout.bench/heapgraph

go 1.22
