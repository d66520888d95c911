// meld/version.hpp — meld-cpp's version, defined here and nowhere else: CMakeLists.txt reads these three
// numbers for project(), the package's meldConfigVersion.cmake and the User-Agent ("meld-cpp/0.1.0").
// Versioning policy (what counts as breaking, generated model changes included): CHANGELOG.md.
#ifndef MELD_VERSION_HPP
#define MELD_VERSION_HPP

#define MELD_VERSION_MAJOR 0
#define MELD_VERSION_MINOR 1
#define MELD_VERSION_PATCH 0

#define MELD_VERSION_STRINGIZE_(x) #x
#define MELD_VERSION_STRINGIZE(x) MELD_VERSION_STRINGIZE_(x)
/// "MAJOR.MINOR.PATCH", e.g. "0.1.0".
#define MELD_VERSION_STRING                                                                                  \
    MELD_VERSION_STRINGIZE(MELD_VERSION_MAJOR) "." MELD_VERSION_STRINGIZE(MELD_VERSION_MINOR) "."            \
        MELD_VERSION_STRINGIZE(MELD_VERSION_PATCH)
/// One number for preprocessor comparisons: MAJOR * 10000 + MINOR * 100 + PATCH.
#define MELD_VERSION (MELD_VERSION_MAJOR * 10000 + MELD_VERSION_MINOR * 100 + MELD_VERSION_PATCH)

#endif
