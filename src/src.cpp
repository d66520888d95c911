// src/src.cpp — the one TU of meld's own builds that compiles Asio, Asio.SSL, Beast and meld's .ipp files.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>

#include <meld/src.hpp>
