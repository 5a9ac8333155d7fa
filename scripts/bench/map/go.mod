module golayout.bench/map

go 1.22
