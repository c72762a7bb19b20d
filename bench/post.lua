-- wrk script for the POST rows: a small JSON body (the query is in the URL).
wrk.method = "POST"
wrk.body = '{"name":"Ada","tags":["a","b"],"n":42}'
wrk.headers["Content-Type"] = "application/json"
