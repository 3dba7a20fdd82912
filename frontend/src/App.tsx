import { lazy, Suspense, useEffect, type ComponentType } from "react";
import { BrowserRouter, Outlet, Route, Routes, useLocation } from "react-router";
import { AuthProvider } from "./auth/AuthContext";
import { PublicOnly, RequireAuth } from "./auth/guards";
import { StepUpProvider } from "./auth/StepUp";
import { Splash } from "./components/FullPage";
import { Header } from "./components/Header";
import { MyListProvider } from "./myList/MyListContext";
import { VerifyBanner } from "./components/VerifyBanner";
import { AccountPage } from "./pages/AccountPage";
import { AuthLayout } from "./pages/AuthLayout";
import { ForgotPasswordPage } from "./pages/ForgotPasswordPage";
import { GenrePage } from "./pages/GenrePage";
import { HomePage } from "./pages/HomePage";
import { MyListPage } from "./pages/MyListPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { PlayerPage } from "./pages/PlayerPage";
import { ResetPasswordPage } from "./pages/ResetPasswordPage";
import { SignInPage } from "./pages/SignInPage";
import { SignUpPage } from "./pages/SignUpPage";
import { VerifyEmailPage } from "./pages/VerifyEmailPage";
import { ToastProvider } from "./toast/Toasts";

/**
 * Signed-in areas kept out of the main bundle: each is loaded the first time one of its routes is
 * visited.
 */
const LAZY_AREAS: readonly { path: string; load: () => Promise<{ default: ComponentType }> }[] = [
  { path: "/admin/*", load: () => import("./admin/AdminArea") },
];

const lazyAreas = LAZY_AREAS.map(({ path, load }) => ({ path, Area: lazy(load) }));

/** The signed-in frame: header, the "confirm your email" banner when due, then the page. */
function AppShell() {
  return (
    <div className="app">
      <Header />
      <VerifyBanner />
      <main id="main" className="main">
        <Outlet />
      </main>
    </div>
  );
}

/** A new page starts at its top; search-only changes keep the scroll position. */
function ScrollToTop() {
  const { pathname } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  return null;
}

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <AuthProvider>
          <StepUpProvider>
            <MyListProvider>
              <ScrollToTop />
              <Routes>
                <Route
                  element={
                    <PublicOnly>
                      <AuthLayout />
                    </PublicOnly>
                  }
                >
                  <Route path="/sign-in" element={<SignInPage />} />
                  <Route path="/sign-up" element={<SignUpPage />} />
                  <Route path="/forgot-password" element={<ForgotPasswordPage />} />
                </Route>
                {/* Mailed links: they work signed in or not, and sign the browser in. */}
                <Route element={<AuthLayout />}>
                  <Route path="/reset-password" element={<ResetPasswordPage />} />
                  <Route path="/verify-email" element={<VerifyEmailPage />} />
                </Route>
                <Route
                  element={
                    <RequireAuth>
                      <AppShell />
                    </RequireAuth>
                  }
                >
                  <Route index element={<HomePage />} />
                  <Route path="/search" element={<HomePage />} />
                  <Route path="/genres/:tag" element={<GenrePage />} />
                  <Route path="/my-list" element={<MyListPage />} />
                  <Route path="/player/:id" element={<PlayerPage />} />
                  <Route path="/account" element={<AccountPage />} />
                  {lazyAreas.map(({ path, Area }) => (
                    <Route
                      key={path}
                      path={path}
                      element={
                        <Suspense fallback={<Splash />}>
                          <Area />
                        </Suspense>
                      }
                    />
                  ))}
                </Route>
                <Route path="*" element={<NotFoundPage />} />
              </Routes>
            </MyListProvider>
          </StepUpProvider>
        </AuthProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}
