module golayout.test/unittestdata

go 1.22

require golayout.test/truth v0.0.0

replace golayout.test/truth => ../../fixtures/lib/truth
