# The CLI's engine-free parsers of text a stranger may write, which the fuzz
# targets cover and fuzz_regression_test compiles in: the catalog site's
# Markdown renderer and the API server's request parsing (query strings,
# filter values, Accept headers). Needs NEURALAKE_ROOT (cmake/parts.cmake).
set(NEURALAKE_REQUEST_PARSER_SOURCES
    ${NEURALAKE_ROOT}/apps/neuralake/metadata/markdown.cpp
    ${NEURALAKE_ROOT}/apps/neuralake/server/query_string.cpp
    ${NEURALAKE_ROOT}/apps/neuralake/server/rest_query.cpp
    ${NEURALAKE_ROOT}/apps/neuralake/server/rest_query_sql.cpp
    ${NEURALAKE_ROOT}/apps/neuralake/server/accept_header.cpp
    ${NEURALAKE_ROOT}/apps/neuralake/server/encoding.cpp)
