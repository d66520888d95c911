# meld_doc_snippets: every ```cpp block of README.md, docs/*.md and sandbox/README.md, compiled as written.
#
# tools/doc_snippets.py writes one TU per block to <build>/doc_snippets/<file>_<n>.cpp (a `// <file>:<line>`
# comment, then the block verbatim) at configure time; a changed .md file (or the script) re-runs the
# configure step, which rewrites only the blocks whose text changed. The TUs form an OBJECT library built
# with the rest (in parallel, through ccache), never linked: a block with `int main` is fine.
# Included from the top-level CMakeLists.txt when MELD_BUILD_DOC_SNIPPETS is ON (the `dev` preset).

find_package(Python3 REQUIRED COMPONENTS Interpreter)

file(GLOB MELD_DOC_MARKDOWN CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
foreach(doc IN ITEMS README.md sandbox/README.md)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${doc})
    list(APPEND MELD_DOC_MARKDOWN ${PROJECT_SOURCE_DIR}/${doc})
  endif()
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${MELD_DOC_MARKDOWN} ${PROJECT_SOURCE_DIR}/tools/doc_snippets.py)

set(MELD_DOC_SNIPPETS_DIR ${PROJECT_BINARY_DIR}/doc_snippets)
execute_process(
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/doc_snippets.py
          --source-dir ${PROJECT_SOURCE_DIR} --out-dir ${MELD_DOC_SNIPPETS_DIR} --list
  OUTPUT_VARIABLE MELD_DOC_SNIPPETS ERROR_VARIABLE MELD_DOC_SNIPPETS_ERROR RESULT_VARIABLE MELD_DOC_SNIPPETS_RC)
if(NOT MELD_DOC_SNIPPETS_RC EQUAL 0)
  message(FATAL_ERROR "tools/doc_snippets.py failed: ${MELD_DOC_SNIPPETS_ERROR}")
endif()
string(STRIP "${MELD_DOC_SNIPPETS}" MELD_DOC_SNIPPETS)
string(REPLACE "\n" ";" MELD_DOC_SNIPPETS "${MELD_DOC_SNIPPETS}")
list(LENGTH MELD_DOC_SNIPPETS MELD_DOC_SNIPPETS_COUNT)
message(STATUS "meld_doc_snippets: ${MELD_DOC_SNIPPETS_COUNT} C++ blocks from the documentation")

# Each TU is compiled against the compiled library's usage requirements (MELD_SEPARATE_COMPILATION, ...),
# as the tests are: the Asio/Beast/meld implementation is compiled once, in meld_compiled, not per block.
# Blocks that include <meld/sandbox/...> (sandbox/README.md, docs/webhooks.md) need meld_sandbox's headers;
# without the sandbox (MELD_BUILD_SANDBOX=OFF) those blocks are skipped.
set(MELD_DOC_SANDBOX_SNIPPETS)
foreach(snippet IN LISTS MELD_DOC_SNIPPETS)
  file(STRINGS ${snippet} uses_sandbox REGEX "^[ \t]*#[ \t]*include[ \t]*<meld/sandbox/")
  if(uses_sandbox)
    list(APPEND MELD_DOC_SANDBOX_SNIPPETS ${snippet})
  endif()
endforeach()
if(MELD_DOC_SANDBOX_SNIPPETS AND NOT TARGET meld_sandbox)
  list(LENGTH MELD_DOC_SANDBOX_SNIPPETS n)
  message(STATUS "meld_doc_snippets: MELD_BUILD_SANDBOX is OFF, ${n} blocks using the sandbox are skipped")
  list(REMOVE_ITEM MELD_DOC_SNIPPETS ${MELD_DOC_SANDBOX_SNIPPETS})
endif()

add_library(meld_doc_snippets OBJECT ${MELD_DOC_SNIPPETS})
target_link_libraries(meld_doc_snippets PRIVATE meld_compiled $<TARGET_NAME_IF_EXISTS:meld_sandbox>)
meld_set_warnings(meld_doc_snippets)
