"""go: `go get <package>` in the module that imports it; go.mod and go.sum are all it changes in the project
(the module cache is a shared, read-only download cache, like pip's), and rollback restores them."""

ADD, DEV, SYNC = ("get",), (), ("mod", "download")
