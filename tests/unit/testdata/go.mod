module golayout.test/unittestdata

go 1.22
