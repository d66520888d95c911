# meld_set_warnings(target): the warning set meld's own targets build with (gcc 12 and clang 14).
function(meld_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  if(MELD_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
