// meld/detail/unique_task.hpp — a move-only, call-once, type-erased function whose storage is recycled.
//
// The runner hands work to a connection's strand and gets an exchange's result back through these: one
// block per task, taken from the thread's recycler (detail/recycler.hpp), freed before the call runs (so the
// callee may start the next task with the same block). Unlike asio::any_completion_handler it carries no
// associated executor or cancellation slot (nothing to query, nothing to allocate for them).
#ifndef MELD_DETAIL_UNIQUE_TASK_HPP
#define MELD_DETAIL_UNIQUE_TASK_HPP

#include <meld/detail/recycler.hpp>

#include <new>
#include <type_traits>
#include <utility>

namespace meld::detail {

template <class Signature>
class unique_task;

template <class... Args>
class unique_task<void(Args...)> {
    struct base {
        virtual void invoke(Args... args) = 0;  // frees the block, then calls
        virtual void destroy() noexcept = 0;    // frees the block without calling
    protected:
        ~base() = default;
    };

    template <class F>
    struct impl final : base {
        F fn;
        explicit impl(F&& f) : fn(std::move(f)) {}
        void invoke(Args... args) override
        {
            F local(std::move(fn));
            destroy();
            std::move(local)(std::forward<Args>(args)...);
        }
        void destroy() noexcept override
        {
            this->~impl();
            recycler::deallocate(this, sizeof(impl));
        }
    };

public:
    unique_task() noexcept = default;

    template <class F>
        requires(!std::is_same_v<std::decay_t<F>, unique_task> && std::is_invocable_v<std::decay_t<F>&&, Args...>)
    explicit unique_task(F&& f)
    {
        using impl_type = impl<std::decay_t<F>>;
        void* mem = recycler::allocate(sizeof(impl_type));
        try {
            p_ = new (mem) impl_type(std::decay_t<F>(std::forward<F>(f)));
        } catch (...) {
            recycler::deallocate(mem, sizeof(impl_type));
            throw;
        }
    }

    unique_task(unique_task&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    unique_task& operator=(unique_task&& o) noexcept
    {
        if (this != &o) {
            reset();
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    unique_task(unique_task const&) = delete;
    unique_task& operator=(unique_task const&) = delete;
    ~unique_task() { reset(); }

    explicit operator bool() const noexcept { return p_ != nullptr; }

    /// Calls the function once; the task is empty afterwards.
    void operator()(Args... args) &&
    {
        base* p = std::exchange(p_, nullptr);
        p->invoke(std::forward<Args>(args)...);
    }

private:
    void reset() noexcept
    {
        if (p_ != nullptr)
            std::exchange(p_, nullptr)->destroy();
    }

    base* p_ = nullptr;
};

}  // namespace meld::detail

#endif
