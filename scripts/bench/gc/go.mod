module golayout.bench/gc

go 1.22
