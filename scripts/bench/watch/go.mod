module golayout.bench/watch

go 1.22
