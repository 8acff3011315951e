module github.com/libimapclient/imapclient-go

go 1.22
