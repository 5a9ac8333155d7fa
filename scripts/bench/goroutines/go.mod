module benchgoroutines

go 1.22
